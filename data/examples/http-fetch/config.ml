(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of http-fetch, exported by Mirage Studio for Mirage 4.11.

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
let mimic_he = mimic_happy_eyeballs stack he dns
let stack_tcp = tcpv4v6_of_stackv4v6 stack
let fetcher = paf_client stack_tcp mimic_he

(* --url: string, default https://mirage.io/: The URL to fetch. *)
(* --authenticator: string: How to check certificates (none, key-fp:SHA256:..., cert-fp:..., trust-anchor:...), empty for the system trust store. *)
(* --headers: string: Headers to send with the request, name:value,name:value (as Mirage's --http-headers). *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.url"; runtime_arg ~pos:__POS__ "Unikernel.authenticator"; runtime_arg ~pos:__POS__ "Unikernel.headers" ]
    "Unikernel.Make" (alpn_client @-> job)
  $ fetcher

let () = register "http-fetch" [ unikernel ]
