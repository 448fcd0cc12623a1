(* unikernel.ml of http-server: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

open Cmdliner

(* --port (int, default 8080): The HTTP port to listen on. *)
let port =
  let doc = Arg.info ~doc:"The HTTP port to listen on." [ "port" ] in
  Arg.(value & opt int 8080 doc)

module Make (Web : Paf_mirage.S) = struct
  let start web port =
    (* web: input 1 (http_server), web *)
    (* port: runtime argument --port (int) *)
    ignore web;
    ignore port;
    Lwt.return_unit
end
