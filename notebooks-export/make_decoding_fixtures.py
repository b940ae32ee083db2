#!/usr/bin/env python3
"""Writes the decoding fixtures of ChexImagingTests: small JPEG, PNG and DICOM files and the
samples independent tools decode from them.

Into Tests/ChexImagingTests/Fixtures/Decoding/:
- the input files (made by Pillow, pypng and pydicom from seeded numpy data);
- for each, `<name>.expected`: the samples as raw little-endian bytes (uint8 or uint16,
  interleaved, row-major), decoded by Pillow (`np.asarray(Image.open(p))`; 1-bit gray through
  `convert('L')`, palettes through `convert('RGB')` / `convert('RGBA')`), by pypng for 16-bit
  colour PNGs (Pillow cuts those to 8 bits), and by pydicom (`ds.pixel_array`, MONOCHROME1
  inverted here as `2^BitsStored - 1 - v`);
- `cases.json`: one entry per file (width, height, layout, bits, maxValue, expected file, or the
  refusal the decoder must give), with the library versions that made them;
- `radiographs.json`: for every real film in ../shared/data/radiographs (recursively), the shape,
  dtype, min, max, sum and SHA-256 of the little-endian bytes of what Pillow or pydicom decodes.

Run from the repository root: python3 notebooks-export/make_decoding_fixtures.py
Needs numpy, Pillow, pypng, pydicom 3.
"""
import hashlib
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import PIL
import png
import pydicom
from PIL import Image, features
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import UID, generate_uid

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests/ChexImagingTests/Fixtures/Decoding")
shared = os.path.join(os.path.dirname(root), "shared/data/radiographs")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2026)
cases = []


def film(h, w, channels=1):
    """A smooth seeded image with noise: enough structure to exercise the DCT and filters."""
    y, x = np.mgrid[0:h, 0:w]
    base = 128 + 90 * np.sin(x / max(w, 2) * 5.1) * np.cos(y / max(h, 2) * 3.7)
    planes = [base + 40 * np.sin((x + 3 * c) / 7.0) + rng.normal(0, 18, (h, w)) for c in range(channels)]
    arr = np.clip(np.stack(planes, -1), 0, 255).astype(np.uint8)
    return arr[..., 0] if channels == 1 else arr


def layout_of(arr):
    return {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[1 if arr.ndim == 2 else arr.shape[2]]


def record(name, arr, max_value, source, **extra):
    arr = np.ascontiguousarray(arr)
    assert arr.dtype in (np.uint8, np.uint16), arr.dtype
    with open(os.path.join(out, name + ".expected"), "wb") as f:
        f.write(arr.astype(arr.dtype.newbyteorder("<")).tobytes())
    cases.append(dict(file=name, width=int(arr.shape[1]), height=int(arr.shape[0]), layout=layout_of(arr),
                      bits=8 * arr.dtype.itemsize, maxValue=int(max_value), expected=name + ".expected",
                      source=source, **extra))


def refusal(name, kind, words, note):
    cases.append(dict(file=name, error=kind, words=words, note=note))


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def pillow(name):
    im = Image.open(os.path.join(out, name))
    if im.mode == "1":
        im = im.convert("L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    return np.asarray(im)


# MARK: - JPEG (Pillow writes and decodes; libjpeg-turbo's islow DCT)
def jpeg(name, arr, **options):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", **options)
    write(name, buf.getvalue())
    record(name, pillow(name), 255, "Pillow np.asarray(Image.open(p))",
           options={k: v for k, v in options.items() if k != "qtables"})


jpeg("gray-1x1.jpg", film(1, 1), quality=90)
jpeg("gray-37x23.jpg", film(23, 37), quality=85)
jpeg("gray-333x257.jpg", film(257, 333), quality=95)
jpeg("rgb420-1x1.jpg", film(1, 1, 3), quality=90, subsampling=2)
jpeg("rgb420-37x23.jpg", film(23, 37, 3), quality=85, subsampling=2)
jpeg("rgb420-333x257.jpg", film(257, 333, 3), quality=90, subsampling=2)
jpeg("rgb444-37x23.jpg", film(23, 37, 3), quality=85, subsampling=0)
jpeg("rgb444-101x67.jpg", film(67, 101, 3), quality=95, subsampling=0)
jpeg("rgb422-101x67.jpg", film(67, 101, 3), quality=80, subsampling=1)
jpeg("gray-progressive-120x90.jpg", film(90, 120), quality=90, progressive=True)
jpeg("rgb-progressive-101x67.jpg", film(67, 101, 3), quality=90, progressive=True, subsampling=2)
jpeg("gray-restart-120x90.jpg", film(90, 120), quality=90, restart_marker_blocks=3)
jpeg("rgb-restart-101x67.jpg", film(67, 101, 3), quality=90, restart_marker_rows=1, subsampling=2)
jpeg("gray-optimized-q50-64x48.jpg", film(48, 64), quality=50, optimize=True)

buf = io.BytesIO()
Image.fromarray(film(16, 16, 3)).convert("CMYK").save(buf, "JPEG", quality=90)
write("cmyk.jpg", buf.getvalue())
refusal("cmyk.jpg", "unsupported", ["CMYK JPEG"], "Pillow-written CMYK JPEG (Adobe marker)")

# MARK: - PNG
def pillow_png(name, im, **options):
    im.save(os.path.join(out, name), "PNG", **options)
    record(name, pillow(name), 255, "Pillow np.asarray(Image.open(p))")


def pypng_png(name, rows, width, height, max_value, source, **writer):
    with open(os.path.join(out, name), "wb") as f:
        png.Writer(width, height, **writer).write(f, rows)
    return name


pillow_png("gray-1x1.png", Image.fromarray(film(1, 1)))
pillow_png("gray-37x23.png", Image.fromarray(film(23, 37)))
pillow_png("la-37x23.png", Image.fromarray(np.dstack([film(23, 37), film(23, 37)]), "LA"))
pillow_png("rgb-37x23.png", Image.fromarray(film(23, 37, 3)))
pillow_png("rgba-37x23.png", Image.fromarray(film(23, 37, 4), "RGBA"))
pillow_png("gray-333x257.png", Image.fromarray(film(257, 333)))
palette = Image.fromarray(film(23, 37, 3)).quantize(colors=200)
pillow_png("palette-37x23.png", palette)
trns = Image.fromarray(film(23, 37, 3)).quantize(colors=16)
trns.info["transparency"] = bytes(range(0, 256, 32))
trns.save(os.path.join(out, "palette-trns-37x23.png"), "PNG", transparency=bytes(range(0, 256, 32)))
record("palette-trns-37x23.png", pillow("palette-trns-37x23.png"), 255, "Pillow convert('RGBA')")
pillow_png("gray1-37x23.png", Image.fromarray(film(23, 37) > 128))

# 2- and 4-bit gray and a 4-bit palette, written by pypng (Pillow writes 8-bit L).
for bits in (2, 4):
    values = (film(23, 37) >> (8 - bits)).astype(int)
    name = pypng_png(f"gray{bits}-37x23.png", values.tolist(), 37, 23, 255, "", greyscale=True, bitdepth=bits)
    record(name, pillow(name), 255, "Pillow np.asarray(Image.open(p)) (L;%d scaled to 8 bits)" % bits)
indices = (film(23, 37) >> 4).astype(int)
colours = [(17 * i, 255 - 13 * i, (91 * i) % 256) for i in range(16)]
name = pypng_png("palette4-37x23.png", indices.tolist(), 37, 23, 255, "", palette=colours, bitdepth=4)
record(name, pillow(name), 255, "Pillow convert('RGB')")

# Interlaced (Adam7): pypng writes them; 8-bit expected from Pillow, 16-bit from pypng.
name = pypng_png("rgb-interlaced-37x23.png", film(23, 37, 3).reshape(23, -1).tolist(), 37, 23, 255, "",
                 greyscale=False, bitdepth=8, interlace=True)
record(name, pillow(name), 255, "Pillow np.asarray(Image.open(p))")


def pypng_read(name):
    width, height, rows, info = png.Reader(filename=os.path.join(out, name)).read()
    planes = info["planes"]
    arr = np.array([np.array(r, dtype=np.uint16) for r in rows], dtype=np.uint16)
    return arr.reshape(height, width, planes) if planes > 1 else arr.reshape(height, width)


deep = (film(23, 37).astype(np.uint16) * 257 + rng.integers(0, 257, (23, 37))).astype(np.uint16)
name = pypng_png("gray16-37x23.png", deep.tolist(), 37, 23, 65535, "", greyscale=True, bitdepth=16)
expected = np.asarray(Image.open(os.path.join(out, name)))
assert expected.dtype == np.dtype("<u2") and (expected == pypng_read(name)).all()
record(name, expected, 65535, "Pillow np.asarray(Image.open(p)) (I;16), equal to pypng's")
name = pypng_png("gray16-interlaced-37x23.png", deep.tolist(), 37, 23, 65535, "", greyscale=True, bitdepth=16,
                 interlace=True)
record(name, pypng_read(name), 65535, "pypng")
deep_rgb = (film(23, 37, 3).astype(np.uint16) * 251 + rng.integers(0, 251, (23, 37, 3))).astype(np.uint16)
name = pypng_png("rgb16-37x23.png", deep_rgb.reshape(23, -1).tolist(), 37, 23, 65535, "", greyscale=False,
                 bitdepth=16)
record(name, pypng_read(name), 65535, "pypng (Pillow cuts 16-bit RGB to 8 bits)")
deep_rgba = (film(23, 37, 4).astype(np.uint16) * 256).astype(np.uint16)
name = pypng_png("rgba16-37x23.png", deep_rgba.reshape(23, -1).tolist(), 37, 23, 65535, "", greyscale=False,
                 alpha=True, bitdepth=16)
record(name, pypng_read(name), 65535, "pypng")
deep_la = (film(23, 37, 2).astype(np.uint16) * 256 + 7).astype(np.uint16)
name = pypng_png("la16-37x23.png", deep_la.reshape(23, -1).tolist(), 37, 23, 65535, "", greyscale=True,
                 alpha=True, bitdepth=16)
record(name, pypng_read(name), 65535, "pypng")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def insert_after_ihdr(data, extra):
    return data[:33] + extra + data[33:]


# sBIT: 12-bit values stored unscaled in a 16-bit gray PNG with sBIT 12 (white 4095), and pypng's
# own 12-bit file, which scales the values to 16 bits as the PNG specification asks (white stays
# 65535 because its samples exceed 4095).
twelve = (film(23, 37).astype(np.uint16) * 16 + rng.integers(0, 16, (23, 37))).astype(np.uint16)
buf = io.BytesIO()
png.Writer(37, 23, greyscale=True, bitdepth=16).write(buf, twelve.tolist())
write("gray16-sbit12-unscaled-37x23.png", insert_after_ihdr(buf.getvalue(), chunk(b"sBIT", bytes([12]))))
expected = np.asarray(Image.open(os.path.join(out, "gray16-sbit12-unscaled-37x23.png")))
record("gray16-sbit12-unscaled-37x23.png", expected, 4095, "Pillow (I;16); white 2^12 - 1 from sBIT")
name = pypng_png("gray16-sbit12-scaled-37x23.png", twelve.tolist(), 37, 23, 65535, "", greyscale=True, bitdepth=12)
record(name, pypng_read(name), 65535, "pypng (bitdepth=12 scales to 16 bits and writes sBIT 12)")

# Oversize: an IHDR of 100000 x 100000 (valid for PNG, beyond the limits), no image data.
ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
write("oversize.png", b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(bytes(64))) + chunk(b"IEND", b""))
refusal("oversize.png", "tooLarge", ["100000 x 100000", "PNG IHDR"], "IHDR beyond ImageLimits.standard")

Image.fromarray(film(8, 8)).save(os.path.join(out, "tiny.gif"), "GIF")
refusal("tiny.gif", "unrecognised", ["GIF image", "47 49 46 38"], "Pillow-written GIF")


# MARK: - DICOM (pydicom writes; expected from ds.pixel_array)
def dicom(name, pixels, transfer_syntax, *, bits_allocated, bits_stored, photometric="MONOCHROME2",
          samples=1, planar=None, encapsulated=None, extra=None, expect=True):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"  # Computed Radiography Image Storage
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[name])
    meta.TransferSyntaxUID = transfer_syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CR"
    ds.PatientName = "Fixture^Decoding"
    if extra:
        extra(ds)
    ds.Rows, ds.Columns = pixels.shape[0], pixels.shape[1]
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if planar is not None:
        ds.PlanarConfiguration = planar
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 0
    if encapsulated is not None:
        ds.PixelData = encapsulated
        ds["PixelData"].VR = "OB"
    else:
        raw = pixels
        if samples == 3 and planar == 1:
            raw = np.moveaxis(pixels, -1, 0)
        ds.PixelData = np.ascontiguousarray(raw).astype(
            np.uint8 if bits_allocated == 8 else np.dtype("<u2")).tobytes()
        ds["PixelData"].VR = "OB" if bits_allocated == 8 else "OW"
    ds.save_as(os.path.join(out, name), enforce_file_format=True)
    if not expect:
        return
    read = pydicom.dcmread(os.path.join(out, name))
    arr = read.pixel_array
    white = (1 << bits_stored) - 1
    if photometric == "MONOCHROME1":
        arr = ((1 << bits_stored) - 1 - arr.astype(np.int64)).astype(arr.dtype)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.uint16)
    record(name, arr, white, "pydicom ds.pixel_array" + (" inverted (MONOCHROME1)" if photometric == "MONOCHROME1"
                                                         else ""), transferSyntax=str(transfer_syntax))


IMPLICIT, EXPLICIT = UID("1.2.840.10008.1.2"), UID("1.2.840.10008.1.2.1")


def nested_sequences(ds):
    """A sequence of undefined length holding items of undefined length, one with a nested
    sequence, before the pixel module (pydicom writes undefined lengths when asked)."""
    inner = Dataset()
    inner.CodeValue = "T-D3000"
    inner.CodingSchemeDesignator = "SRT"
    inner.CodeMeaning = "Chest"
    item = Dataset()
    item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"
    item.ReferencedSOPInstanceUID = "1.2.3.4.5"
    item.AnatomicRegionSequence = [inner]
    ds.ReferencedImageSequence = [item, Dataset()]
    ds.ReferencedImageSequence.is_undefined_length = True
    for it in ds.ReferencedImageSequence:
        it.is_undefined_length_sequence_item = True
    ds.ReferencedImageSequence[0].AnatomicRegionSequence.is_undefined_length = True
    ds.ProcedureCodeSequence = [inner]  # defined length
    ds.add_new(0x00091010, "UN", b"\x01\x02\x03\x04")  # a private element of VR UN


eight = film(23, 37)
dicom("implicit-8bit-37x23.dcm", eight, IMPLICIT, bits_allocated=8, bits_stored=8)
dicom("explicit-8bit-37x23.dcm", eight, EXPLICIT, bits_allocated=8, bits_stored=8)
twelve_noisy = twelve | (rng.integers(0, 16, (23, 37)).astype(np.uint16) << 12)  # junk above BitsStored
dicom("explicit-16bit-12stored-37x23.dcm", twelve_noisy, EXPLICIT, bits_allocated=16, bits_stored=12,
      extra=nested_sequences)
dicom("implicit-16bit-12stored-sequences-37x23.dcm", twelve_noisy, IMPLICIT, bits_allocated=16, bits_stored=12,
      extra=nested_sequences)
dicom("explicit-16bit-monochrome1-37x23.dcm", twelve, EXPLICIT, bits_allocated=16, bits_stored=12,
      photometric="MONOCHROME1")
dicom("implicit-8bit-monochrome1-37x23.dcm", eight, IMPLICIT, bits_allocated=8, bits_stored=8,
      photometric="MONOCHROME1")
dicom("explicit-16bit-16stored-1x1.dcm", np.array([[54321]], dtype=np.uint16), EXPLICIT, bits_allocated=16,
      bits_stored=16)
dicom("explicit-rgb-planar0-37x23.dcm", film(23, 37, 3), EXPLICIT, bits_allocated=8, bits_stored=8,
      photometric="RGB", samples=3, planar=0)
dicom("explicit-rgb-planar1-37x23.dcm", film(23, 37, 3), EXPLICIT, bits_allocated=8, bits_stored=8,
      photometric="RGB", samples=3, planar=1)

# 8-bit samples with 6 stored bits and junk above them (its own generator, so that the files above
# stay as they were).
six = np.random.default_rng(6).integers(0, 256, (23, 37)).astype(np.uint8)
dicom("explicit-8bit-6stored-monochrome1-37x23.dcm", six, EXPLICIT, bits_allocated=8, bits_stored=6,
      photometric="MONOCHROME1")

# JPEG Baseline: a Pillow JPEG encapsulated in one fragment, and split over three fragments.
buf = io.BytesIO()
Image.fromarray(film(57, 61)).save(buf, "JPEG", quality=90)
baseline = UID("1.2.840.10008.1.2.4.50")
dicom("jpeg-baseline-61x57.dcm", film(57, 61), baseline, bits_allocated=8, bits_stored=8,
      encapsulated=encapsulate([buf.getvalue()]))
dicom("jpeg-baseline-fragments-61x57.dcm", film(57, 61), baseline, bits_allocated=8, bits_stored=8,
      encapsulated=encapsulate([buf.getvalue()], fragments_per_frame=3))
dicom("jpeg-baseline-monochrome1-61x57.dcm", film(57, 61), baseline, bits_allocated=8, bits_stored=8,
      photometric="MONOCHROME1", encapsulated=encapsulate([buf.getvalue()]))

# Refusals: transfer syntaxes chexstats does not decode (headers only; the pixels are not read).
fake = encapsulate([b"\xff\x4f\xff\x51" + bytes(64)])
dicom("jpeg2000.dcm", film(8, 8), UID("1.2.840.10008.1.2.4.91"), bits_allocated=8, bits_stored=8,
      encapsulated=fake, expect=False)
refusal("jpeg2000.dcm", "unsupported", ["JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)"],
        "JPEG 2000 DICOM (header only)")
dicom("jpeg-lossless.dcm", film(8, 8), UID("1.2.840.10008.1.2.4.70"), bits_allocated=8, bits_stored=8,
      encapsulated=fake, expect=False)
refusal("jpeg-lossless.dcm", "unsupported", ["1.2.840.10008.1.2.4.70", "JPEG Lossless"], "JPEG Lossless DICOM")
dicom("rle.dcm", film(8, 8), UID("1.2.840.10008.1.2.5"), bits_allocated=8, bits_stored=8, encapsulated=fake,
      expect=False)
refusal("rle.dcm", "unsupported", ["RLE Lossless (1.2.840.10008.1.2.5)"], "RLE DICOM")
try:
    dicom("big-endian.dcm", film(8, 8).astype(np.uint16), UID("1.2.840.10008.1.2.2"), bits_allocated=16,
          bits_stored=12, expect=False)
except Exception as error:  # pydicom may refuse to write retired big-endian data: write the meta only
    print("big-endian written by hand:", error)
refusal("big-endian.dcm", "unsupported", ["Explicit VR Big Endian (1.2.840.10008.1.2.2)"], "big-endian DICOM")
dicom("signed.dcm", film(8, 8), EXPLICIT, bits_allocated=8, bits_stored=8, expect=False)
data = open(os.path.join(out, "signed.dcm"), "rb").read()
ds = pydicom.dcmread(os.path.join(out, "signed.dcm"))
ds.PixelRepresentation = 1
ds.save_as(os.path.join(out, "signed.dcm"), enforce_file_format=True)
refusal("signed.dcm", "unsupported", ["signed"], "PixelRepresentation 1")
ds = pydicom.dcmread(os.path.join(out, "explicit-8bit-37x23.dcm"))
ds.Rows, ds.Columns = 65535, 65535
ds.save_as(os.path.join(out, "oversize.dcm"), enforce_file_format=True)
refusal("oversize.dcm", "tooLarge", ["65535 x 65535"], "Rows and Columns beyond ImageLimits.standard")
ds = pydicom.dcmread(os.path.join(out, "explicit-8bit-37x23.dcm"))
ds.NumberOfFrames = 2
ds.save_as(os.path.join(out, "multiframe.dcm"), enforce_file_format=True)
refusal("multiframe.dcm", "unsupported", ["2 frames"], "NumberOfFrames 2")
ds = pydicom.dcmread(os.path.join(out, "explicit-8bit-37x23.dcm"))
ds.PixelData = ds.PixelData[:-10]
ds.save_as(os.path.join(out, "short-pixels.dcm"), enforce_file_format=True)
refusal("short-pixels.dcm", "corrupt", ["Pixel Data", "851"], "Pixel Data shorter than Rows x Columns")

# MARK: - Real films: hashes of what Pillow / pydicom decode.
films = []
if os.path.isdir(shared):
    for folder, _, names in sorted(os.walk(shared)):
        for file in sorted(names):
            path = os.path.join(folder, file)
            rel = os.path.relpath(path, shared)
            if file.endswith(".png"):
                arr = np.asarray(Image.open(path))
                white, source = (65535 if arr.dtype != np.uint8 else 255), "Pillow np.asarray(Image.open(p))"
            elif file.endswith(".dcm"):
                ds = pydicom.dcmread(path)
                arr = ds.pixel_array
                white = (1 << int(ds.BitsStored)) - 1
                source = "pydicom ds.pixel_array"
                if ds.PhotometricInterpretation == "MONOCHROME1":
                    arr = (white - arr.astype(np.int64)).astype(arr.dtype)
                    source += " inverted as 2^BitsStored - 1 - v (MONOCHROME1)"
                if arr.dtype != np.uint8:
                    arr = arr.astype(np.uint16)
            else:
                continue
            le = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"))
            films.append(dict(file=rel, height=int(arr.shape[0]), width=int(arr.shape[1]),
                              channels=1 if arr.ndim == 2 else int(arr.shape[2]), dtype=str(arr.dtype),
                              maxValue=white, min=int(arr.min()), max=int(arr.max()), sum=int(arr.astype(np.int64).sum()),
                              sha256=hashlib.sha256(le.tobytes()).hexdigest(), source=source))
else:
    print("no", shared, "- radiographs.json not rewritten", file=sys.stderr)

versions = {"python": sys.version.split()[0], "numpy": np.__version__, "Pillow": PIL.__version__,
            "Pillow libjpeg-turbo": features.version("libjpeg_turbo"), "Pillow zlib": features.version("zlib"),
            "pypng": png.__version__, "pydicom": pydicom.__version__}
provenance = "notebooks-export/make_decoding_fixtures.py with " + ", ".join(f"{k} {v}" for k, v in versions.items())
with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump({"provenance": provenance, "versions": versions, "cases": cases}, f, indent=1)
    f.write("\n")
if films:
    with open(os.path.join(out, "radiographs.json"), "w") as f:
        json.dump({"provenance": provenance, "versions": versions, "films": films}, f, indent=1)
        f.write("\n")
with open(os.path.join(out, "README.md"), "w") as f:
    f.write("# Decoding fixtures\n\nMade by " + provenance + ".\n\n"
            "Each input file `NAME` (JPEG, PNG, DICOM) has `NAME.expected`, its samples as raw little-endian\n"
            "uint8 or uint16 (interleaved, row-major) decoded by the tool named in `cases.json` (`source`):\n"
            "Pillow `np.asarray(Image.open(p))`, pypng for 16-bit colour PNGs, pydicom `ds.pixel_array`\n"
            "(MONOCHROME1 inverted as 2^BitsStored - 1 - v). Cases with `error` must be refused with that\n"
            "kind of `ImageError`, whose sentence contains each of `words`. `radiographs.json` holds the\n"
            "shape, min, max, sum and SHA-256 (little-endian samples) of every real film in\n"
            "`../shared/data/radiographs`. Regenerate with `python3 notebooks-export/make_decoding_fixtures.py`.\n")
total = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
print(f"{len(cases)} cases, {len(films)} films, {total} bytes in {out}")
