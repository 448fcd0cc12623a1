(* mirage >= 4.10.0 & < 4.11.0 *)
(* Resolves a name with the DNS client, which connects through
   happy-eyeballs. *)
open Mirage

let domain = runtime_arg ~pos:__POS__ "Unikernel.domain_name"
let stack = generic_stackv4v6 default_network
let happy = generic_happy_eyeballs stack
let resolver = generic_dns_client ~nameservers:[ "udp:9.9.9.9" ] stack happy

let lookup =
  main ~runtime_args:[ domain ] ~packages:[ package "domain-name" ]
    "Unikernel.Make" (dns_client @-> job)

let () = register "resolve" [ lookup $ resolver ]
