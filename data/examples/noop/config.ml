(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of noop, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let unikernel = main "Unikernel" job

let () = register "noop" [ unikernel ]
