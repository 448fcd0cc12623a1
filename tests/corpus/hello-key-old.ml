(* mirage >= 4.0.0 & < 4.5.0 *)
(* hello, the greeting given as a configure key: the Key.create style of
   Mirage before runtime arguments. *)
open Mirage

let greeting =
  let doc = Key.Arg.info ~doc:"How to say hello." [ "hello" ] in
  Key.(create "hello" Arg.(opt string "Hello World!" doc))

let hello =
  main ~keys:[ Key.v greeting ] ~packages:[ package "duration" ]
    "Unikernel.Hello" job

let () = register "hello-key" [ hello ]
