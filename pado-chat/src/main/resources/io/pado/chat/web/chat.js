// The pado chat page: speaks the "superchat" subprotocol (docs/CHAT-PROTOCOL.md) over one WebSocket, and
// reconnects (and rejoins) with a growing delay when the connection drops, e.g. when the server restarts. A rejoin
// sends the last seq shown ("since"), so any node behind a load balancer replays only what this page missed.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/chat";
  let ws = null;
  let wanted = null;          // {room, nick} the user asked for: rejoined after a reconnect
  let joined = null;          // {room, nick} the server confirmed
  let shownRoom = null;       // the room whose messages are on the page
  let retryMs = 250;
  let lastTypingSent = 0;
  const typists = new Map();  // nick -> timer
  const seen = new Set();     // seq numbers shown in the current room
  const seenIds = new Set();  // ids of numbered messages shown (a late pending copy is not shown again)
  let lastSeq = 0;            // the highest seq shown in the current room, sent as "since" on a rejoin
  let shownMembers = null;    // {room, rev} of the member list shown: joined and presence may come out of order
  let epoch = null;           // the room history's epoch that lastSeq counts in, sent with "since"

  $("nick").value = localStorage.getItem("pado.nick") || "";
  $("room").value = localStorage.getItem("pado.room") || "lobby";

  function setStatus(kind, text) {
    $("status").className = "status " + kind;
    $("status").textContent = text;
  }

  function connect() {
    setStatus("connecting", "connecting…");
    ws = new WebSocket(url, ["superchat"]);
    ws.onopen = () => {
      retryMs = 250;
      setStatus("online", "connected");
      $("join").disabled = false;
      if (wanted) {
        const rejoin = {type: "join", room: wanted.room, nick: wanted.nick};
        if (lastSeq > 0 && wanted.room === shownRoom) {
          rejoin.since = lastSeq;
          if (epoch) rejoin.epoch = epoch;
        }
        send(rejoin);
      }
    };
    ws.onmessage = (e) => receive(JSON.parse(e.data));
    ws.onclose = (e) => {
      ws = null;
      offline(e.code);
      const wait = retryMs;
      retryMs = Math.min(retryMs * 2, 4000);
      setStatus("offline", "disconnected (" + e.code + "), retrying in " + (wait / 1000).toFixed(1) + " s");
      setTimeout(connect, wait);
    };
  }

  // Nothing shown as live may be stale: members, typing and the composer go when the connection does.
  function offline(code) {
    if (joined) system("disconnected (" + code + "); will rejoin #" + joined.room + " when the server is back");
    joined = null;
    shownMembers = null;       // another server run counts its own revisions
    $("members").replaceChildren();
    $("rooms").replaceChildren();
    $("room-name").textContent = "—";
    typists.forEach((t) => clearTimeout(t));
    typists.clear();
    showTyping();
    $("join").disabled = true;
    $("text").disabled = true;
    $("send").disabled = true;
    $("text").placeholder = "offline";
  }

  function send(obj) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
  }

  function receive(m) {
    switch (m.type) {
      case "hello": showRooms(m.rooms); break;
      case "rooms": showRooms(m.rooms); break;
      case "joined":
        joined = {room: m.room, nick: m.nick};
        wanted = joined;
        localStorage.setItem("pado.nick", m.nick);
        localStorage.setItem("pado.room", m.room);
        $("room-name").textContent = "#" + m.room;
        if (!(m.since && m.room === shownRoom)) {  // a resumed join only adds what was missed
          $("messages").replaceChildren();
          seen.clear();
          seenIds.clear();
          lastSeq = 0;
        }
        shownRoom = m.room;
        epoch = m.epoch || null;
        m.history.forEach(show);
        system("you joined #" + m.room + " as " + m.nick);
        showMembersOf(m);
        $("text").disabled = false;
        $("send").disabled = false;
        $("text").placeholder = "Message #" + m.room;
        $("text").focus();
        hideError();
        send({type: "rooms"});
        break;
      case "message":
        show(m);
        stopTyping(m.nick);
        break;
      case "presence":
        if (!wanted || m.room !== wanted.room) break;  // a notice of a room left meanwhile
        showMembersOf(m);
        if (m.joined) system(m.joined + " joined");
        if (m.left) { system(m.left + " left"); stopTyping(m.left); }
        break;
      case "typing": startTyping(m.nick); break;
      case "status":
        system(m.message);
        if (m.state === "degraded") setStatus("connecting", "connected, degraded: messages stay on this server");
        else setStatus("online", "connected");
        break;
      case "ack": break;  // the message itself comes back through the room
      case "gap":         // missed messages cannot be recovered: reload the room from its history
        system(m.message);
        lastSeq = 0;
        if (joined) {
          const again = {type: "join", room: joined.room, nick: joined.nick};
          send({type: "leave"});
          send(again);  // no "since": the greeting brings the history, shown afresh
        }
        break;
      case "left": joined = null; break;
      case "error": showError(m.code + ": " + m.message); break;
    }
  }

  function show(m) {
    const shownPending = m.id ? document.querySelector('li.pending[data-id="' + CSS.escape(m.id) + '"]') : null;
    if (m.pending) {
      if (shownPending || seenIds.has(m.id)) return;
    } else {
      if (seen.has(m.seq)) return;
      seen.add(m.seq);
      lastSeq = Math.max(lastSeq, m.seq);
      if (shownPending) shownPending.remove();  // the numbered copy replaces the pending one
      if (m.id) seenIds.add(m.id);
    }
    const li = document.createElement("li");
    li.className = "message" + (joined && m.nick === joined.nick ? " mine" : "") + (m.pending ? " pending" : "");
    if (m.pending) li.dataset.id = m.id; else li.dataset.seq = m.seq;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = new Date(m.time).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    const nick = document.createElement("span");
    nick.className = "nick";
    nick.textContent = m.nick;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text;
    li.append(time, nick, text);
    append(li);
  }

  function system(text) {
    const li = document.createElement("li");
    li.className = "system";
    li.textContent = text;
    append(li);
  }

  function append(li) {
    const list = $("messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  // The newest list of a room wins: a greeting may come after a presence notice that is newer than it.
  function showMembersOf(m) {
    if (shownMembers && shownMembers.room === m.room && m.membersRev < shownMembers.rev) return;
    shownMembers = {room: m.room, rev: m.membersRev};
    showMembers(m.members);
  }

  function showMembers(members) {
    $("members").replaceChildren(...members.map((n) => {
      const li = document.createElement("li");
      li.textContent = n;
      if (joined && n === joined.nick) li.className = "me";
      return li;
    }));
  }

  function showRooms(rooms) {
    $("rooms").replaceChildren(...Object.entries(rooms).map(([name, count]) => {
      const li = document.createElement("li");
      li.textContent = "#" + name + " (" + count + ")";
      li.onclick = () => { $("room").value = name; };
      return li;
    }));
  }

  function startTyping(nick) {
    clearTimeout(typists.get(nick));
    typists.set(nick, setTimeout(() => stopTyping(nick), 4000));
    showTyping();
  }

  function stopTyping(nick) {
    clearTimeout(typists.get(nick));
    typists.delete(nick);
    showTyping();
  }

  function showTyping() {
    const names = [...typists.keys()];
    $("typing").textContent = names.length === 0 ? ""
      : names.join(", ") + (names.length === 1 ? " is" : " are") + " typing…";
  }

  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
  }

  $("join-form").onsubmit = (e) => {
    e.preventDefault();
    wanted = {room: $("room").value.trim(), nick: $("nick").value.trim()};
    send({type: "join", room: wanted.room, nick: wanted.nick});
  };

  $("send-form").onsubmit = (e) => {
    e.preventDefault();
    const text = $("text").value;
    if (!text.trim() || !joined) return;
    send({type: "message", text});
    $("text").value = "";
    lastTypingSent = 0;
  };

  $("text").oninput = () => {
    const now = Date.now();
    if (joined && now - lastTypingSent > 2500) {
      lastTypingSent = now;
      send({type: "typing"});
    }
  };

  connect();
})();
