(* mirage >= 4.10.0 & < 4.12.0 *)
(* Choices on the target and on a key of the user's own: if_impl on
   Key.is_solo5 and Key.is_unikraft (nested), match_impl on the target, and
   if_impl on a boolean configure key. *)
open Mirage

let storage =
  if_impl Key.is_solo5 (block_of_file "storage")
    (if_impl Key.is_unikraft (block_of_file "0") (block_of_file "disk.img"))

let data =
  match_impl
    Key.(value target)
    [ (`Xen, crunch "xen-data"); (`Hvt, crunch "hvt-data") ]
    ~default:(direct_kv_ro "data")

let verbose =
  let doc = Key.Arg.info ~doc:"Use the verbose store." [ "verbose" ] in
  Key.(create "verbose" Arg.(opt Cmdliner.Arg.bool false doc))

let store = if_impl (Key.value verbose) (crunch "verbose") data

let main = main "Unikernel.Make" (block @-> kv_ro @-> job)

let () = register "choices" [ main $ storage $ store ]
