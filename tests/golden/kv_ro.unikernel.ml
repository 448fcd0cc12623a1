(* unikernel.ml of kv_ro: a skeleton exported by Mirage Studio for Mirage 4.11.
   Fill in start; Mirage calls it with the devices, the dependencies and
   the runtime arguments, in this order. *)

module Main (Disk : Mirage_kv.RO) = struct
  let start disk =
    (* disk: input 1 (kv_ro), disk *)
    ignore disk;
    Lwt.return_unit
end
