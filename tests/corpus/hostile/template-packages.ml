(* expect: more than 128 MiB *)
(* a main with 65,536 packages, instantiated 8,192 times *)
open Mirage
let p0 = [ package "a" ]
let p1 = p0 @ p0
let p2 = p1 @ p1
let p3 = p2 @ p2
let p4 = p3 @ p3
let p5 = p4 @ p4
let p6 = p5 @ p5
let p7 = p6 @ p6
let p8 = p7 @ p7
let p9 = p8 @ p8
let p10 = p9 @ p9
let p11 = p10 @ p10
let p12 = p11 @ p11
let p13 = p12 @ p12
let p14 = p13 @ p13
let p15 = p14 @ p14
let p16 = p15 @ p15
let l0 = [1]
let l1 = l0 @ l0
let l2 = l1 @ l1
let l3 = l2 @ l2
let l4 = l3 @ l3
let l5 = l4 @ l4
let l6 = l5 @ l5
let l7 = l6 @ l6
let l8 = l7 @ l7
let l9 = l8 @ l8
let l10 = l9 @ l9
let l11 = l10 @ l10
let l12 = l11 @ l11
let l13 = l12 @ l12
let m = main ~packages:p16 "Unikernel.Main" (network @-> job)
let () = List.iter (fun _ -> ignore (m $ netif "e")) l13
