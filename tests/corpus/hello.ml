(* mirage >= 4.10.0 & < 4.11.0 *)
(* Prints a greeting a few times, sleeping in between. *)
open Mirage

let packages = [ package "duration" ]

let () =
  register "hello" [ main ~packages "Unikernel.Hello" job ]
