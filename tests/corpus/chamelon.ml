(* mirage >= 4.10.0 & < 4.11.0 *)
(* A read-write key-value store (littlefs format) on a block device. *)
open Mirage

let program_block_size = Runtime_arg.create ~pos:__POS__ "Unikernel.program_block_size"
let disk = block_of_file "storage"
let store = chamelon ~program_block_size disk

let () =
  register "chamelon"
    [ main ~runtime_args:[ Runtime_arg.v program_block_size ] "Unikernel.Main" (kv_rw @-> job) $ store ]
