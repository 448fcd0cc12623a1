(* mirage >= 4.10.0 & < 4.11.0 *)

(* config.ml of git-client, exported by Mirage Studio for Mirage 4.10.

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

(* --remote: string, default https://github.com/mirage/mirage-skeleton.git: The repository to fetch. *)
let unikernel =
  main
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.remote" ]
    "Unikernel.Make" (git_client @-> job)
  $ git

let () = register "git-client" [ unikernel ]
