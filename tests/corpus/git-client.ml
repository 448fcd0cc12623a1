(* mirage >= 4.10.0 & < 4.11.0 *)
(* Clones a Git repository over SSH or plain TCP: both transports are
   merged into one client. *)
open Mirage

let remote = runtime_arg ~pos:__POS__ "Unikernel.remote"
let stack = generic_stackv4v6 default_network
let tcp = tcpv4v6_of_stackv4v6 stack
let he = generic_happy_eyeballs stack
let dns = generic_dns_client stack he
let mimic = mimic_happy_eyeballs stack he dns

let git =
  merge_git_clients
    (git_ssh ~key:"rsa:seed" tcp mimic)
    (git_tcp tcp mimic)

let () =
  register "git-fetch"
    [ main ~runtime_args:[ remote ] ~packages:[ package "git-kv" ]
        "Unikernel.Make" (git_client @-> job)
      $ git ]
