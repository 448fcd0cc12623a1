(* mirage >= 4.10.0 & < 4.12.0 *)
(* Configure keys of the user's own: Key.create with an info, and keys made
   by the DSL with a group, handed to two generic_kv_ro (flags
   --data-kv_ro and --certs-kv_ro instead of one shared --kv_ro). *)
open Mirage

let hello =
  let doc = Key.Arg.info ~doc:"How to say hello." ~docv:"GREETING" [ "hello" ] in
  Key.(create "hello" Arg.(opt Cmdliner.Arg.string "Hello World!" doc))

let data_key = Key.(value @@ kv_ro ~group:"data" ())
let certs_key = Key.(value @@ kv_ro ~group:"certs" ())
let data = generic_kv_ro ~key:data_key "htdocs"
let certs = generic_kv_ro ~key:certs_key "tls"

let main =
  main ~packages:[ package "duration" ] "Unikernel.Make" (kv_ro @-> kv_ro @-> job)

let () = register "keys" [ main $ data $ certs ]
