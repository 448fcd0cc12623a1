(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of hello-key, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

(* --hello: string, default Hello World!: How to say hello. *)
let unikernel =
  main
    ~packages:[ package "duration" ]
    ~runtime_args:[ runtime_arg ~pos:__POS__ "Unikernel.hello" ]
    "Unikernel.Hello" job

let () = register "hello-key" [ unikernel ]
