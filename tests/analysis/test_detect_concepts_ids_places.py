"""Detection by concept (#12), identifiers, places, device/network and the no-profile run.

Synthetic requests written from each concept and from the documented payload shapes of several
SDKs, with key names in other vendors' spellings; decoding is real (`decode_record`). Every family
also has near misses that must stay silent (precision).
"""

from __future__ import annotations

from detect_support import detect_request, found_at

from phonehome.analysis.model import Detection


def run(url: str, body: object | str | None = None, *, form: bool = False) -> list[Detection]:
    return detect_request(url, body, form=form)


at = found_at


# --- hardware ids: the OS's or the hardware's own id shape under a device-ish name --------------


def test_an_android_id_under_a_device_name_is_a_device_id() -> None:
    # key/value form of install trackers, a session attribute map of RUM agents, a nested
    # `device.identifier` of CDP contexts: 16 lower-case hex digits is ANDROID_ID's shape
    form = run("https://t.vendor-a.example/install", "ext_device_id=3fa1c0de92b4e871&x=1", form=True)
    assert "device_id" in at(form, "ext_device_id")
    nested = run(
        "https://rum.vendor-b.example/collect",
        {
            "meta": {"session": {"attrs": {"deviceId": "3fa1c0de92b4e871"}}},
            "ctx": {"hw": {"identifier": "5c1e0a9b7d2f4e61"}},
        },
    )
    assert "device_id" in at(nested, "attrs.deviceId")
    assert "device_id" in at(nested, "hw.identifier")


def test_the_shared_android_id_is_still_the_phones_device_id() -> None:
    # Android 2.2's and the emulators' ANDROID_ID is shared by many devices, but an app that sends
    # it sends the OS's device id all the same
    dets = run("https://flags.vendor-c.example/init", {"who": {"altIds": {"did": "9774d56d682e549c"}}})
    found = [d for d in dets if d.location.endswith("altIds.did")]
    assert {d.category for d in found} == {"device_id"}
    assert "well-known ANDROID_ID" in found[0].evidence
    hw = run("https://t.vendor-a.example/s", "hardwareId=9774d56d682e549c", form=True)
    assert "device_id" in at(hw, "hardwareId")


def test_an_imei_or_mac_under_a_device_id_name_is_a_device_id() -> None:
    dets = run(
        "https://push.vendor-d.example/register",
        {"device": {"id": "352916071187398"}, "device_uid": "a4:5e:60:d2:3b:71"},
    )
    assert at(dets, "device.id") == {"device_id"}
    assert "device_id" in at(dets, "device_uid")
    assert "user_id" not in at(dets, "device_uid")


def test_sdk_made_ids_under_device_names_stay_install_ids() -> None:
    dets = run(
        "https://t.vendor-a.example/install",
        {
            "device_id": "c0a8b1e2-1111-4a2b-9c3d-0123456789ab",  # a UUID the SDK made up
            "deviceKey": "F3A1C0DE92B4E871",  # upper case: not how Android renders it
            "install_id": "3fa1c0de92b4e871",  # no device word: an install id whatever its shape
        },
    )
    assert at(dets, "device_id") == {"user_id"}
    assert "device_id" not in at(dets, "deviceKey")
    assert "device_id" not in at(dets, "install_id")
    flagged = run(
        "https://t.vendor-a.example/install",
        {"hw": {"hardware_id": "3fa1c0de92b4e871", "is_random": True}},
    )
    assert "device_id" not in at(flagged, "hardware_id")
