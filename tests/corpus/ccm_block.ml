(* mirage >= 4.10.0 & < 4.11.0 *)
(* Encrypts a block device with AES-CCM; the key is a runtime argument. *)
open Mirage

let key = runtime_arg ~pos:__POS__ "Unikernel.key"
let plain = block_of_file "secret"
let sealed = ccm_block ~nonce_len:8 key plain

let () =
  register "ccm_block"
    [ main ~runtime_args:[ key ] "Unikernel.Main" (block @-> job) $ sealed ]
