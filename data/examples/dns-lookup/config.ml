(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of dns-lookup, exported by Mirage Studio for Mirage 4.11.

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

(* --names: string, default mirage.io: Names to resolve, comma-separated. *)
(* --rrtype: string, default A: Record type to ask for (A, AAAA, MX, TXT, or any other by name). *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.names"; runtime_arg ~pos:__POS__ "Unikernel.rrtype" ]
    "Unikernel.Make" (dns_client @-> job)
  $ dns

let () = register "dns-lookup" [ unikernel ]
