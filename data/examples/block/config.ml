(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of block, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

let disk = block_of_file "disk.img"
let unikernel = main "Unikernel.Main" (block @-> job) $ disk

let () = register "block" [ unikernel ]
