package dev.mcplatencyprobe.mcp;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stdio MCP server that answers every request with a result of about 2 KB written by one gather
 * write (writev) of two buffers, the answer and its newline, the way an HTTP server writes a chunk's
 * data and then its CRLF. The id, last in the answer, is in neither the head nor the last buffer:
 * only a tail that spans the last two buffers holds it.
 */
public final class GatherWriteServer {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        FileChannel out = new FileOutputStream(FileDescriptor.out).getChannel();
        String filler = "x".repeat(2_000);
        for (String line; (line = in.readLine()) != null; ) {
            Matcher id = ID.matcher(line);
            if (!id.find()) {
                continue; // a notification
            }
            ByteBuffer[] parts = {
                ByteBuffer.wrap(("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + filler
                        + "\"}]},\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + "}").getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap(new byte[] {'\n'}),
            };
            while (parts[1].hasRemaining()) {
                out.write(parts);
            }
        }
    }
}
