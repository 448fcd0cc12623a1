(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of tls-fetch, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let net = default_network
let stack = generic_stackv4v6 net
let he = generic_happy_eyeballs stack
let dns = generic_dns_client stack he

(* --host: string, default mirage.io: Server to connect to. *)
(* --port: int, default 443: Its TLS port. *)
(* --authenticator: string: How to check its certificate (none, key-fp:SHA256:..., cert-fp:..., trust-anchor:...), empty for the system trust store. *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.host"; runtime_arg ~pos:__POS__ "Unikernel.port"; runtime_arg ~pos:__POS__ "Unikernel.authenticator" ]
    "Unikernel.Make" (happy_eyeballs @-> dns_client @-> job)
  $ he
  $ dns

let () = register "tls-fetch" [ unikernel ]
