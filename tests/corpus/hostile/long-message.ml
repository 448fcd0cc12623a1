(* expect: ok *)
(* a 1 MiB value quoted in a warning: the message is cut *)
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
let a = Ipaddr.V4.of_string_exn s16
let () = register "x" [ main "U" job ]
