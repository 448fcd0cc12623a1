(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of syslog, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let net = default_network
let stack = generic_stackv4v6 net
let sys = syslog_udp stack

let unikernel =
  main
    ~packages:[ package "duration" ]
    ~deps:[ dep sys ]
    "Unikernel.Hello" job

let () = register "syslog" [ unikernel ]
