(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of http-server, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

(* --port: int, default 8080: The HTTP port to listen on. *)
let port = Runtime_arg.create ~pos:__POS__ "Unikernel.port"

let net = default_network
let stack = generic_stackv4v6 net
let stack_tcp = tcpv4v6_of_stackv4v6 stack
let web = paf_server ~port stack_tcp

let unikernel =
  main
    ~runtime_args:[ Runtime_arg.v port ]
    "Unikernel.Make" (http_server @-> job)
  $ web

let () = register "http-server" [ unikernel ]
