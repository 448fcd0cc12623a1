(* mirage >= 4.11.0 & < 4.12.0 *)

(* config.ml of ccm_block, exported by Mirage Studio for Mirage 4.11.

   Configure-time keys are command-line flags of mirage configure, not
   config.ml code. This project is configured and built with:

     mirage configure -t unix
     make depend
     make build
*)

open Mirage

(* --key: string: AES key in hex (16 or 24 or 32 bytes - 0x prefix allowed). *)
let key_arg = Runtime_arg.create ~pos:__POS__ "Unikernel.key"

let disk = block_of_file "disk.img"
let sealed = ccm_block key_arg disk

(* --verify: bool, default false: Only read and show sector 0. *)
let unikernel =
  main
    ~runtime_args:[ Runtime_arg.v key_arg; runtime_arg ~pos:__POS__ "Unikernel.verify" ]
    "Unikernel.Main" (block @-> job)
  $ sealed

let () = register "ccm_block" [ unikernel ]
