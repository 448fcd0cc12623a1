(* unikernel.ml of hello-key: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

open Cmdliner

(* --hello (string, default Hello World!): How to say hello. *)
let hello =
  let doc = Arg.info ~doc:"How to say hello." [ "hello" ] in
  Arg.(value & opt string "Hello World!" doc)

module Hello = struct
  let start () hello =
    (* hello: runtime argument --hello (string) *)
    ignore hello;
    Lwt.return_unit
end
