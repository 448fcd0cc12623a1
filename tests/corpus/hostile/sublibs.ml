(* expect: takes too long *)
(* 65,536 sub-libraries of a 1 MiB package name *)
open Mirage
let s0 = "xxxxxxxxxxxxxxxx"
let s1 = s0 ^ s0
let s2 = s1 ^ s1
let s3 = s2 ^ s2
let s4 = s3 ^ s3
let s5 = s4 ^ s4
let s6 = s5 ^ s5
let s7 = s6 ^ s6
let s8 = s7 ^ s7
let s9 = s8 ^ s8
let s10 = s9 ^ s9
let s11 = s10 ^ s10
let s12 = s11 ^ s11
let s13 = s12 ^ s12
let s14 = s13 ^ s13
let s15 = s14 ^ s14
let s16 = s15 ^ s15
let l0 = [ "a" ]
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
let p = package ~sublibs:l16 s16
