# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Pipes, sockets and readiness (single process; the TCP server lives outside
# the recording).

t_net_pipe()        { record_replay -- "$BIN/pipe"; }
t_net_poll_select_epoll() { record_replay -- "$BIN/poll_pipe"; assert_grep 'is &marker: 1' "$RR_OUT"; }
t_net_socketpair()  { record_replay -- "$BIN/socketpair"; }
t_net_unix_socket() { record_replay -- "$BIN/unix_socket" "$SCRATCH"; }
t_net_udp_loopback() { record_replay -- "$BIN/udp_self"; }

# The server runs natively and is gone before replay: replay must still show
# what the client received.
t_net_tcp_client()
{
    local port
    start_bg "$BIN/tcp_server" "$T/port" 1
    wait_for_file "$T/port"
    port=$(cat "$T/port")
    record_replay --before-replay stop_bg -- "$BIN/tcp_client" "$port"
    assert_grep '^reply first line: hello from server' "$RR_OUT"
    assert_grep '^received 2001[0-9][0-9] bytes' "$RR_OUT"
}
