"""Portal credentials, encrypted at rest with Fernet.

The key comes from HME_VAULT_KEY or from a key file outside the repository
(HME_VAULT_KEY_FILE, by default ~/.config/hme-rpa/vault.key, created 0600 on
first use). The vault file itself lives in the data directory; without the key
it is unreadable. Nothing here logs a secret.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken

from ..errors import VaultError

if TYPE_CHECKING:
    from hme_rpa.config import Config


@dataclass(frozen=True)
class Credentials:
    url: str
    username: str = ""
    password: str = ""
    totp_secret: str = ""

    def __repr__(self) -> str:  # never print a secret by accident
        return f"Credentials(url={self.url!r}, username={self.username!r}, password=***, totp_secret=***)"


class Vault:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise VaultError("the vault key is not a Fernet key: leave HME_VAULT_KEY unset and `hme-rpa vault set` "
                             "makes a key file, or set it to a key from `python -c 'from cryptography.fernet import "
                             "Fernet; print(Fernet.generate_key().decode())'`") from None

    @classmethod
    def from_config(cls, config: "Config", *, create_key: bool = False) -> "Vault":
        """The vault as the configuration names it: HME_VAULT_KEY, else the key in HME_VAULT_KEY_FILE."""
        return cls.open(config.data_dir, key=config.vault_key,
                        key_file=Path(config.vault_key_file) if config.vault_key_file else None, create_key=create_key)

    @classmethod
    def open(cls, data_dir: Path, *, key: str = "", key_file: Path | None = None, create_key: bool = False) -> "Vault":
        if key:
            raw = key.encode()
        else:
            key_file = key_file or default_key_file()
            if not key_file.exists():
                if not create_key:
                    raise VaultError(f"no vault key: set HME_VAULT_KEY or create {key_file} with `hme-rpa vault set`")
                key_file.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(Fernet.generate_key())
            raw = key_file.read_bytes().strip()
        return cls(data_dir / "vault.bin", raw)

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self._fernet.decrypt(self.path.read_bytes()))  # type: ignore[no-any-return]
        except InvalidToken:
            raise VaultError(f"{self.path} cannot be decrypted with this key") from None

    def get(self, portal: str) -> Credentials:
        entry = self._load().get(portal)
        if entry is None:
            raise VaultError(f"no credentials for {portal}: run `hme-rpa vault set {portal}`")
        return Credentials(**entry)

    def set(self, portal: str, credentials: Credentials) -> None:
        entries = self._load()
        entries[portal] = asdict(credentials)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self._fernet.encrypt(json.dumps(entries).encode()))
        os.replace(tmp, self.path)

    def portals(self) -> list[str]:
        return sorted(self._load())


def default_key_file() -> Path:
    from hme_rpa.config import Config

    return Path(Config.from_env().vault_key_file)
