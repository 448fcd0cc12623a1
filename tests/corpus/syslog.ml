(* mirage >= 4.10.0 & < 4.11.0 *)
(* Sends its logs to a syslog server over UDP. *)
open Mirage

let stack = generic_stackv4v6 default_network
let logger = syslog_udp stack

let () =
  register "syslog"
    [ main ~deps:[ dep logger ] "Unikernel.Main" (stackv4v6 @-> job) $ stack ]
