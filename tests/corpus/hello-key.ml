(* mirage >= 4.10.0 & < 4.11.0 *)
(* hello, the greeting a runtime argument declared in unikernel.ml. *)
open Mirage

let runtime_args = [ runtime_arg ~pos:__POS__ "Unikernel.hello" ]
let packages = [ package "duration" ]
let hello = main ~runtime_args ~packages "Unikernel.Hello" job
let () = register "hello-key" [ hello ]
