(* unikernel.ml of hello: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

module Hello = struct
  let start () =
    Lwt.return_unit
end
