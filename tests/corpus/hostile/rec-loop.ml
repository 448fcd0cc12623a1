(* expect: more than 48 deep *)
let rec f x = f x
let y = f 1
