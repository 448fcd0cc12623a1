(* mirage >= 4.10.0 & < 4.12.0 *)
(* The other labelled arguments of main and impl: ~local_libs, ~deps,
   ~extra_deps, ~keys and ~dune (OCaml code kept as text). *)
open Mirage

let tracing =
  let doc = Key.Arg.info ~doc:"Enable tracing." [ "tracing" ] in
  Key.(create "tracing" Arg.(flag doc))

let clock =
  impl ~packages:[ package "mtime" ] ~keys:[ Key.v tracing ]
    ~dune:(fun _info -> [])
    "Clock_impl" job

let main =
  main ~local_libs:[ "helpers"; "protocol" ] ~deps:[ dep clock ]
    ~packages:[ package "duration" ] "Unikernel.Main" job

let () = register "labels" [ main ]
