(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of git-kv, exported by Mirage Studio for Mirage 4.11.

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
let ssh = git_ssh stack_tcp mimic_he
let git_plain = git_tcp stack_tcp mimic_he
let git = merge_git_clients ssh git_plain
let store = kv_rw_mem ()

(* --remote: string, default https://github.com/mirage/mirage-skeleton.git: The repository to sync the store from. *)
(* --key: string: A file to print (empty: list the store). *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.remote"; runtime_arg ~pos:__POS__ "Unikernel.key" ]
    "Unikernel.Make" (git_client @-> kv_rw @-> job)
  $ git
  $ store

let () = register "git-kv" [ unikernel ]
