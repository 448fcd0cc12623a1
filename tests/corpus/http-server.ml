(* mirage >= 4.10.0 & < 4.11.0 *)
open Mirage

let port = Runtime_arg.create ~pos:__POS__ "Unikernel.port"

let web =
  let stack = generic_stackv4v6 default_network in
  paf_server ~port (tcpv4v6_of_stackv4v6 stack)

let () =
  register "http"
    [ main ~runtime_args:[ Runtime_arg.v port ] "Unikernel.Make" (http_server @-> job) $ web ]
