(* mirage >= 4.10.0 & < 4.11.0 *)
(* Fetches a URL with an HTTP client over happy-eyeballs and DNS. *)
open Mirage

let uri = runtime_arg ~pos:__POS__ "Unikernel.uri"

let client =
  let stack = generic_stackv4v6 default_network in
  let tcp = tcpv4v6_of_stackv4v6 stack in
  let he = generic_happy_eyeballs stack in
  let dns = generic_dns_client stack he in
  paf_client tcp (mimic_happy_eyeballs stack he dns)

let fetch =
  main ~runtime_args:[ uri ]
    ~packages:[ package "http-mirage-client"; package "uri" ]
    "Unikernel.Client" (alpn_client @-> job)

let () = register "http-fetch" [ fetch $ client ]
