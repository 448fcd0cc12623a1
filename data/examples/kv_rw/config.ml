(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of kv_rw, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let store = kv_rw_mem ()
let unikernel = main "Unikernel.Main" (kv_rw @-> job) $ store

let () = register "kv_rw" [ unikernel ]
