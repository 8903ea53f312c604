// The self-service page: keys and tunnels through the REST API. Every state-changing call carries
// X-Gangway-Request, which the API requires against cross-site request forgery.
(function () {
    'use strict';
    const api = '/_gangway/api';

    async function call(method, path, body) {
        const headers = {'Accept': 'application/json'};
        if (method !== 'GET') {
            headers['X-Gangway-Request'] = '1';
        }
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }
        const response = await fetch(api + path, {
            method, headers, credentials: 'same-origin',
            body: body === undefined ? undefined : JSON.stringify(body)
        });
        const json = await response.json().catch(() => ({message: response.statusText}));
        if (!response.ok) {
            throw new Error(json.message || ('HTTP ' + response.status));
        }
        return json;
    }

    function cell(row, text) {
        const td = document.createElement('td');
        td.textContent = text;
        row.appendChild(td);
        return td;
    }

    function button(row, label, id, action) {
        const td = document.createElement('td');
        td.appendChild(actionButton(label, id, action));
        row.appendChild(td);
        return td;
    }

    function actionButton(label, id, action) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.id = id;
        b.className = label.toLowerCase();
        b.addEventListener('click', action);
        return b;
    }

    // Renaming happens in place: the name cell becomes a small form (Enter saves, Escape cancels), and the
    // registry's refusal, if any, is shown under the table without losing what was typed.
    function startRename(nameCell, key) {
        if (nameCell.querySelector('form')) {
            return;
        }
        const form = document.createElement('form');
        form.className = 'inline';
        const input = document.createElement('input');
        input.type = 'text';
        input.value = key.name;
        input.maxLength = 64;
        input.required = true;
        input.setAttribute('aria-label', 'New name for ' + key.name);
        const save = document.createElement('button');
        save.type = 'submit';
        save.textContent = 'Save';
        const cancel = document.createElement('button');
        cancel.type = 'button';
        cancel.textContent = 'Cancel';
        form.append(input, save, cancel);
        const error = document.getElementById('keys-error');
        const restore = () => {
            nameCell.textContent = key.name;
            error.textContent = '';
        };
        cancel.addEventListener('click', restore);
        input.addEventListener('keydown', (event) => {
            if (event.key === 'Escape') {
                restore();
            }
        });
        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            error.textContent = '';
            save.disabled = true;
            try {
                await call('PUT', '/keys/' + key.id + '/name', {name: input.value.trim()});
                await loadKeys();
            } catch (e) {
                error.textContent = e.message;
                save.disabled = false;
                input.focus();
            }
        });
        nameCell.replaceChildren(form);
        input.focus();
        input.select();
    }

    async function loadKeys() {
        const body = document.querySelector('#keys tbody');
        const keys = await call('GET', '/keys');
        body.replaceChildren();
        for (const key of keys) {
            const row = document.createElement('tr');
            row.dataset.fingerprint = key.fingerprint;
            const name = cell(row, key.name);
            name.className = 'name';
            cell(row, key.fingerprint).className = 'fingerprint';
            cell(row, key.keyType);
            cell(row, key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never');
            const actions = button(row, 'Rename', 'rename-' + key.id, () => startRename(name, key));
            actions.className = 'actions';
            actions.appendChild(actionButton('Remove', 'remove-' + key.id, async () => {
                await call('DELETE', '/keys/' + key.id);
                await refresh();
            }));
            body.appendChild(row);
        }
    }

    async function loadTunnels() {
        const body = document.querySelector('#tunnels tbody');
        const tunnels = await call('GET', '/tunnels');
        body.replaceChildren();
        for (const tunnel of tunnels) {
            const row = document.createElement('tr');
            row.dataset.key = tunnel.key;
            cell(row, tunnel.key);
            const link = document.createElement('a');
            link.href = tunnel.url;
            link.textContent = tunnel.url;
            cell(row, '').appendChild(link);
            cell(row, new Date(tunnel.openedAt).toLocaleString());
            button(row, 'Disconnect', 'disconnect-' + tunnel.key, async () => {
                await call('DELETE', '/tunnels/' + encodeURIComponent(tunnel.key));
                await refresh();
            });
            body.appendChild(row);
        }
    }

    // Administrators' tables, present on the page only for members of the admin group.
    async function loadAdmin() {
        const keysBody = document.querySelector('#all-keys tbody');
        if (!keysBody) {
            return;
        }
        const [keys, tunnels] = await Promise.all([call('GET', '/admin/keys'), call('GET', '/admin/tunnels')]);
        keysBody.replaceChildren();
        for (const key of keys) {
            const row = document.createElement('tr');
            row.dataset.fingerprint = key.fingerprint;
            cell(row, key.owner);
            cell(row, key.name);
            cell(row, key.fingerprint).className = 'fingerprint';
            cell(row, key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never');
            button(row, 'Revoke', 'revoke-' + key.id, async () => {
                await call('DELETE', '/admin/keys/' + key.id);
                await refresh();
            });
            keysBody.appendChild(row);
        }
        const tunnelsBody = document.querySelector('#all-tunnels tbody');
        tunnelsBody.replaceChildren();
        for (const tunnel of tunnels) {
            const row = document.createElement('tr');
            row.dataset.key = tunnel.key;
            cell(row, tunnel.owner || '');
            cell(row, tunnel.key);
            cell(row, tunnel.url);
            button(row, 'Disconnect', 'admin-disconnect-' + tunnel.key, async () => {
                await call('DELETE', '/admin/tunnels/' + encodeURIComponent(tunnel.key));
                await refresh();
            });
            tunnelsBody.appendChild(row);
        }
    }

    async function refresh() {
        await Promise.all([loadKeys(), loadTunnels(), loadAdmin()]);
    }

    document.getElementById('add-key-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const error = document.getElementById('key-error');
        error.textContent = '';
        try {
            await call('POST', '/keys', {
                publicKey: document.getElementById('public-key').value.trim(),
                name: document.getElementById('key-name').value.trim()
            });
            document.getElementById('public-key').value = '';
            document.getElementById('key-name').value = '';
            await refresh();
        } catch (e) {
            error.textContent = e.message;
        }
    });

    window.gangwayRefresh = refresh;
    refresh().catch((e) => { document.getElementById('key-error').textContent = e.message; });
    setInterval(() => loadTunnels().catch(() => {}), 5000);
})();
