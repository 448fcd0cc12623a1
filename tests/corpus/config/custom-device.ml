(* mirage >= 4.10.0 & < 4.12.0 *)
(* A device type and a device of the user's own, with connect code written
   as real projects write it: a helper with function, Fmt.str, ^ and
   assert false. *)
open Mirage

type greeter = Greeter

let greeter = typ Greeter

let greeter_connect _info modname = function
  | [ block ] ->
      code ~pos:__POS__ "%s.connect %s >|= fun t -> %s" modname block
        (Fmt.str "Ok t (* %s *)" ("greeter" ^ "-" ^ "v1"))
  | _ -> assert false

let greeter_impl =
  impl ~packages:[ package ~min:"0.9.0" "fmt" ] ~connect:greeter_connect
    "Greeter.Make" (block @-> greeter)

let disk = block_of_file "greeting.img"

let main =
  main ~packages:[ package "duration" ] "Unikernel.Make" (greeter @-> job)

let () = register "greeter" [ main $ (greeter_impl $ disk) ]
