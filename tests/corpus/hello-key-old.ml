(* mirage >= 4.9.0 & < 4.11.0 *)
(* hello, with the greeting as a runtime argument: older Key style. *)
open Mirage

let greeting = runtime_arg ~pos:__POS__ "Unikernel.hello"

let hello =
  main ~packages:[ package "duration" ] ~runtime_args:[ greeting ]
    "Unikernel.Hello" job

let () = register "hello-key" [ hello ]
