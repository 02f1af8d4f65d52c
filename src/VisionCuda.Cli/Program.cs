namespace VisionCuda.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("visioncuda: no commands yet");
        return 2;
    }
}
