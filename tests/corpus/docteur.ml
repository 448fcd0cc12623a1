(* mirage >= 4.10.0 & < 4.11.0 *)
(* A read-only store built at configure time from a Git repository. *)
open Mirage

let disk = docteur ~mode:`Light ~branch:"refs/heads/main" "https://github.com/mirage/mirage.git"

let () =
  register "docteur" [ main "Unikernel.Make" (kv_ro @-> job) $ disk ]
