(* unikernel.ml of network: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

open Cmdliner

(* --port (port, default 8080): The TCP port to listen on. *)
let port =
  let doc = Arg.info ~doc:"The TCP port to listen on." [ "port" ] in
  Arg.(value & opt int 8080 doc)

module Main (Stack : Tcpip.Stack.V4V6) = struct
  let start stack port =
    (* stack: input 1 (stackv4v6), stack *)
    (* port: runtime argument --port (port) *)
    ignore stack;
    ignore port;
    Lwt.return_unit
end
