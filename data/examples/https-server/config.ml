(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of https-server, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

(* --port: int, default 4433: The HTTPS port to listen on. *)
let port = Runtime_arg.create ~pos:__POS__ "Unikernel.port"

let net = default_network
let stack = generic_stackv4v6 net
let stack_tcp = tcpv4v6_of_stackv4v6 stack
let web = paf_server ~port stack_tcp
let certs = generic_kv_ro "tls"

let unikernel =
  main
    ~runtime_args:[ Runtime_arg.v port ]
    "Unikernel.Make" (http_server @-> kv_ro @-> job)
  $ web
  $ certs

let () = register "https-server" [ unikernel ]
