(* mirage >= 4.10.0 & < 4.12.0 *)
(* Runtime arguments carried by devices: port goes to paf_server and
   program_block_size to chamelon, neither is in a main's ~runtime_args. *)
open Mirage

let port = Runtime_arg.create ~pos:__POS__ "Unikernel.port"
let program_block_size = Runtime_arg.create ~pos:__POS__ "Unikernel.program_block_size"

let web =
  let stack = generic_stackv4v6 default_network in
  paf_server ~port (tcpv4v6_of_stackv4v6 stack)

let fs = chamelon ~program_block_size (block_of_file "db")

let () =
  register "service"
    [ main "Unikernel.Make" (http_server @-> kv_rw @-> job) $ web $ fs ]
