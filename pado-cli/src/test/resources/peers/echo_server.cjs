// A node `ws` echo server for pado-cli's tests: listens on 127.0.0.1, a free port, which it prints on the first
// line of stdout; echoes every message as it came (text as text). Runs until killed. `ws` comes from NODE_PATH.
const { WebSocketServer } = require('ws');

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('listening', () => console.log(String(server.address().port)));
server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
