(* mirage >= 4.10.0 & < 4.11.0 *)
(* Reads and writes sectors of a block device backed by disk.img. *)
open Mirage

let disk = block_of_file "disk.img"

let () =
  let checker = main "Unikernel.Main" (block @-> job) in
  register "block_test" [ checker $ disk ]
