(* mirage >= 4.10.0 & < 4.11.0 *)
(* The smallest unikernel: one job that returns at once. *)
open Mirage

let noop = main "Unikernel" job
let () = register "noop" [ noop ]
