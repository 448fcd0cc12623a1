(* mirage >= 4.10.0 & < 4.11.0 *)
open Mirage

(* a helper, applied below *)
let stack_on name = generic_stackv4v6 (netif name)

let port = Runtime_arg.create ~pos:__POS__ "Unikernel.port"

let main =
  main ~runtime_args:[ Runtime_arg.v port ] "Unikernel.Main" (stackv4v6 @-> job)

let stack = stack_on "service"

let () =
  register "network"
    ~reporter:(default_reporter ~level:(Some Logs.Debug) ())
    [ main $ stack ]
