(* expect: takes too long *)
(* copies of 65,536 elements, 64 times: each element copied is a step *)
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
let l14 = l13 @ l13
let l15 = l14 @ l14
let l16 = l15 @ l15
let () = List.iter (fun _ -> ignore (l15 @ l15)) l6
