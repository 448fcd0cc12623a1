(* mirage >= 4.10.0 & < 4.11.0 *)
(* Serves files of ./t, crunched into the image or read from the host
   depending on the --kv_ro configure key. *)
open Mirage

let files = generic_kv_ro "t"

let () =
  register "kv_ro"
    [ main "Unikernel.Main" (kv_ro @-> job) $ files ]
