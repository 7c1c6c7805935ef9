#!/bin/sh
# Regenerates the compressed test media from sentence.wav (FreeTTS kevin16 speaking
# "Please send me the report before the meeting tomorrow morning." at 16 kHz), with the ffmpeg
# command-line tool (Debian package ffmpeg). The files are committed, so the build needs no ffmpeg.
set -e
cd "$(dirname "$0")"
ff="ffmpeg -hide_banner -loglevel error -y -i sentence.wav"
$ff -ar 48000 -c:a libopus -b:a 24k sentence.webm              # browsers (MediaRecorder)
$ff -ar 48000 -c:a libopus -b:a 24k sentence.opus.ogg          # phones, Telegram/WhatsApp voice notes
$ff -ar 44100 -ac 2 -c:a libmp3lame -b:a 64k sentence.mp3      # stereo MP3
$ff -ar 44100 -ac 2 -c:a aac -b:a 64k sentence.m4a             # iPhone voice memos
$ff -ar 22050 -c:a flac sentence.flac
