(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of hello, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let unikernel = main ~packages:[ package "duration" ] "Unikernel.Hello" job

let () = register "hello" [ unikernel ]
