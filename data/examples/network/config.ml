(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of network, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let net = default_network
let stack = generic_stackv4v6 net

(* --port: port, default 8080: The TCP port to listen on. *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.port" ]
    "Unikernel.Main" (stackv4v6 @-> job)
  $ stack

let () = register "network" [ unikernel ]
